/**
 * The sessions feature's words (user guide §3.4 « Session expirée »). French first; English
 * typed after French.
 */
const fr = {
  formNotSavedYet: 'Votre session avait expiré : ce que vous aviez saisi est repris ci-dessous, mais n’est pas encore enregistré. Vérifiez-le, saisissez de nouveau les mots de passe s’il y en avait, puis validez.',
}

const en: typeof fr = {
  formNotSavedYet: 'Your session had expired: what you had typed is shown again below, but it is not saved yet. Check it, type any passwords again, then submit.',
}

export const messages = { fr, en }

/**
 * The material the demo data is drawn from: plausible rare-disease centre titles for each of the
 * 23 filières (FSMR) of `seed/filieres.csv`, some with an abbreviation, and first and last names
 * to invent site leads and demo users. Every person is synthetic: names are combined at random
 * by a seeded generator, never copied from a real centre. The seed keeps the demo stable.
 */

export interface CentreTitle { title: string; abbreviation?: string }

export const centreTitlesByFiliere: Record<string, CentreTitle[]> = {
  'AnDDI-Rares': [
    { title: 'Anomalies du développement et syndromes malformatifs', abbreviation: 'ADSM' },
    { title: 'Syndromes microdélétionnels et anomalies chromosomiques' },
    { title: 'Syndromes de surcroissance', abbreviation: 'SURCROIS' },
    { title: 'Génétique clinique des anomalies du développement' },
    { title: 'Syndromes dysmorphiques avec déficience intellectuelle' },
  ],
  'BRAIN-TEAM': [
    { title: 'Leucodystrophies et leucoencéphalopathies de cause rare', abbreviation: 'LEUKOFRANCE' },
    { title: 'Maladies vasculaires rares du cerveau et de l’œil', abbreviation: 'CERVCO' },
    { title: 'Ataxies cérébelleuses héréditaires' },
    { title: 'Démences rares et précoces' },
    { title: 'Narcolepsies et hypersomnies rares' },
    { title: 'Syndromes neurologiques paranéoplasiques' },
  ],
  CARDIOGEN: [
    { title: 'Maladies cardiaques héréditaires' },
    { title: 'Troubles du rythme cardiaque héréditaires', abbreviation: 'TRH' },
    { title: 'Cardiomyopathies familiales' },
    { title: 'Malformations cardiaques congénitales complexes', abbreviation: 'M3C' },
    { title: 'Syndrome de Marfan et syndromes apparentés', abbreviation: 'MARFAN' },
  ],
  DéfiScience: [
    { title: 'Déficiences intellectuelles de causes rares', abbreviation: 'DICR' },
    { title: 'Épilepsies rares', abbreviation: 'CRéER' },
    { title: 'Syndrome de Prader-Willi et obésités syndromiques', abbreviation: 'PRADORT' },
    { title: 'Malformations et maladies congénitales du cervelet' },
    { title: 'Polyhandicap d’origine génétique' },
  ],
  FAI2R: [
    { title: 'Lupus et syndrome des antiphospholipides' },
    { title: 'Maladies auto-inflammatoires et amylose inflammatoire', abbreviation: 'CEREMAIA' },
    { title: 'Sclérodermie systémique' },
    { title: 'Vascularites nécrosantes systémiques' },
    { title: 'Rhumatismes inflammatoires et maladies auto-immunes de l’enfant', abbreviation: 'RAISE' },
    { title: 'Myosites inflammatoires' },
  ],
  'FAVA-Multi': [
    { title: 'Maladie de Rendu-Osler' },
    { title: 'Anomalies vasculaires superficielles' },
    { title: 'Maladies vasculaires rares avec atteinte multisystémique' },
    { title: 'Lymphœdèmes primaires' },
    { title: 'Syndrome d’Ehlers-Danlos vasculaire' },
  ],
  FILFOIE: [
    { title: 'Atrésie des voies biliaires et cholestases génétiques' },
    { title: 'Maladies vasculaires du foie' },
    { title: 'Maladies inflammatoires des voies biliaires et hépatites auto-immunes', abbreviation: 'MIVB-H' },
    { title: 'Maladie de Wilson et autres maladies rares liées au cuivre' },
    { title: 'Hépatopathies rares de l’enfant' },
  ],
  FILNEMUS: [
    { title: 'Maladies neuromusculaires de l’adulte' },
    { title: 'Maladies neuromusculaires de l’enfant' },
    { title: 'Myopathies congénitales' },
    { title: 'Neuropathies périphériques rares' },
    { title: 'Myasthénies rares' },
  ],
  FILSLAN: [
    { title: 'Sclérose latérale amyotrophique', abbreviation: 'SLA' },
    { title: 'Maladies du neurone moteur' },
    { title: 'Amyotrophies spinales de l’adulte' },
    { title: 'Paraplégies spastiques héréditaires' },
  ],
  FIMARAD: [
    { title: 'Génodermatoses', abbreviation: 'MAGEC' },
    { title: 'Épidermolyses bulleuses héréditaires' },
    { title: 'Maladies bulleuses auto-immunes' },
    { title: 'Ichtyoses et maladies kératinisantes' },
    { title: 'Neurofibromatoses' },
    { title: 'Mastocytoses cutanées' },
  ],
  FIMATHO: [
    { title: 'Malformations de l’œsophage', abbreviation: 'CRACMO' },
    { title: 'Hernie de coupole diaphragmatique' },
    { title: 'Maladies rares digestives', abbreviation: 'MARDI' },
    { title: 'Maladie de Hirschsprung' },
    { title: 'Syndrome de l’intestin court' },
  ],
  FIRENDO: [
    { title: 'Maladies rares de l’hypophyse', abbreviation: 'HYPO' },
    { title: 'Maladies rares de la surrénale' },
    { title: 'Développement génital : du fœtus à l’adulte', abbreviation: 'DEV GEN' },
    { title: 'Pathologies gynécologiques rares', abbreviation: 'PGR' },
    { title: 'Maladies rares de la croissance' },
    { title: 'Diabètes rares' },
  ],
  G2M: [
    { title: 'Maladies héréditaires du métabolisme' },
    { title: 'Maladies lysosomales' },
    { title: 'Maladies mitochondriales' },
    { title: 'Phénylcétonurie et hyperphénylalaninémies' },
    { title: 'Déficits du cycle de l’urée' },
  ],
  MaRIH: [
    { title: 'Aplasies médullaires acquises et constitutionnelles' },
    { title: 'Cytopénies auto-immunes de l’adulte' },
    { title: 'Déficits immunitaires héréditaires', abbreviation: 'CEREDIH' },
    { title: 'Histiocytoses' },
    { title: 'Microangiopathies thrombotiques', abbreviation: 'MAT' },
    { title: 'Amyloses primitives et maladies par dépôts d’immunoglobulines' },
  ],
  MCGRE: [
    { title: 'Syndromes drépanocytaires majeurs' },
    { title: 'Thalassémies' },
    { title: 'Maladies rares du globule rouge' },
    { title: 'Anémies congénitales de l’érythropoïèse' },
  ],
  MHEMO: [
    { title: 'Hémophilie et déficits constitutionnels en protéines de la coagulation' },
    { title: 'Maladie de Willebrand' },
    { title: 'Pathologies plaquettaires constitutionnelles' },
    { title: 'Thrombophilies rares' },
  ],
  'MUCO-CFTR': [
    { title: 'Mucoviscidose' },
    { title: 'Mucoviscidose de l’enfant' },
    { title: 'Mucoviscidose de l’adulte' },
    { title: 'Affections liées à CFTR' },
  ],
  NeuroSphinx: [
    { title: 'Malformations pelviennes et médullaires rares' },
    { title: 'Spina bifida et dysraphismes' },
    { title: 'Malformations anorectales' },
    { title: 'Troubles sphinctériens d’origine neurologique' },
  ],
  ORKiD: [
    { title: 'Maladies rénales rares', abbreviation: 'MARHEA' },
    { title: 'Syndrome néphrotique idiopathique', abbreviation: 'SNI' },
    { title: 'Néphropathies glomérulaires rares' },
    { title: 'Tubulopathies héréditaires' },
    { title: 'Syndrome hémolytique et urémique' },
  ],
  OSCAR: [
    { title: 'Maladies osseuses constitutionnelles', abbreviation: 'MOC' },
    { title: 'Maladies rares du métabolisme du calcium et du phosphate' },
    { title: 'Ostéogenèse imparfaite' },
    { title: 'Dysplasies fibreuses des os' },
    { title: 'Achondroplasie et nanismes' },
  ],
  RespiFIL: [
    { title: 'Maladies pulmonaires rares' },
    { title: 'Hypertension pulmonaire', abbreviation: 'PULMOTENSION' },
    { title: 'Dyskinésies ciliaires primitives' },
    { title: 'Pneumopathies interstitielles de l’enfant' },
    { title: 'Maladies respiratoires rares de l’enfant', abbreviation: 'RESPIRARE' },
  ],
  SENSGENE: [
    { title: 'Maladies rares en ophtalmologie', abbreviation: 'OPHTARA' },
    { title: 'Surdités génétiques' },
    { title: 'Dystrophies rétiniennes héréditaires' },
    { title: 'Kératocône' },
    { title: 'Affections génétiques sensorielles' },
  ],
  TETECOU: [
    { title: 'Malformations ORL rares', abbreviation: 'MALO' },
    { title: 'Fentes et malformations faciales', abbreviation: 'MAFACE' },
    { title: 'Maladies rares orales et dentaires', abbreviation: 'O-RARES' },
    { title: 'Syndrome de Pierre Robin et troubles de succion-déglutition congénitaux', abbreviation: 'SPRATON' },
    { title: 'Craniosténoses et malformations craniofaciales', abbreviation: 'CRANIOST' },
  ],
}

export const firstNames = {
  mme: ['Agnès', 'Amélie', 'Anne', 'Camille', 'Cécile', 'Chloé', 'Claire', 'Élise', 'Émilie', 'Hélène', 'Isabelle', 'Julie', 'Laure', 'Léa', 'Manon', 'Mathilde', 'Nathalie', 'Pascale', 'Sandrine', 'Sophie', 'Valérie', 'Véronique', 'Zoé', 'Inès'],
  m: ['Alain', 'Benoît', 'Christophe', 'Damien', 'Étienne', 'Fabrice', 'François', 'Hugo', 'Jérôme', 'Lucas', 'Marc', 'Nicolas', 'Olivier', 'Pierre', 'Raphaël', 'Sébastien', 'Thierry', 'Yann', 'Antoine', 'Grégoire', 'Loïc', 'Noël', 'Cédric', 'Joël'],
} as const

export const lastNames = [
  'Aubert', 'Barbier', 'Bénard', 'Besnard', 'Carré', 'Chevalier', 'Clément', 'Colin', 'Dufour', 'Étienne',
  'Fleury', 'Fournier', 'Gaillard', 'Gauthier', 'Giraud', 'Guérin', 'Hamon', 'Hébert', 'Joly', 'Lacroix',
  'Lambert', 'Lebrun', 'Leclerc', 'Lefèvre', 'Lemaire', 'Lévêque', 'Marchal', 'Masson', 'Ménard', 'Meunier',
  'Pelletier', 'Perrin', 'Poirier', 'Prévost', 'Renard', 'Rivière', 'Roche', 'Rolland', 'Roussel', 'Schmitt',
  'Tessier', 'Thibault', 'Vidal', 'Weber', 'Le Goff', 'Quéré', 'Nguyen', 'Benali', 'Da Silva', 'Mercier',
]

/** mulberry32: a small deterministic generator, so the demo data is the same on every start. */
export function seededRandom (seed: number) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    /** An integer in [min, max]. */
    between: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    /** A copy of the items in random order (Fisher–Yates). */
    shuffle: <T>(items: readonly T[]): T[] => {
      const copy = [...items]
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1))
        ;[copy[i], copy[j]] = [copy[j] as T, copy[i] as T]
      }
      return copy
    },
  }
}

export type Random = ReturnType<typeof seededRandom>

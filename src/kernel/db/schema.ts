/**
 * The database's tables, as Kysely sees them. Times are UTC instants stored as epoch
 * milliseconds (bigint on PostgreSQL, integer on SQLite): one representation, compared in SQL
 * the same way on both engines. Identifiers are random UUID strings (no guessable sequences).
 */
import type { Insertable, Selectable, Updateable } from 'kysely'

/** Epoch milliseconds (UTC). */
export type Instant = number

export interface HospitalTable {
  id: string
  name: string
  /** FINESS legal-entity number: 9 characters, the first two the département (2A/2B for Corsica). */
  finess: string
  city: string
  /** The name's French order key (kernel/french-order.ts), written with the name. */
  sort_key: string
  archived_at: Instant | null
}

export interface HospitalEmailDomainTable {
  hospital_id: string
  domain: string
}

/** Reference guide: CRMR coordinating/constituent site, CCMR, CRC, other, or the account-manager site. */
export type SiteKind = 'crmrCoordinating' | 'crmrConstituent' | 'ccmr' | 'crc' | 'other' | 'accountAdministration'

export interface SiteTable {
  id: string
  hospital_id: string
  title: string
  abbreviation: string | null
  lead_name: string | null
  kind: SiteKind
  filiere: string | null
  /** Lower-case, accent-free title, abbreviation and lead: what site searches match on. */
  search_text: string
  /** The title's French order key (kernel/french-order.ts), written with the title. */
  sort_key: string
  archived_at: Instant | null
}

export interface ProfessionTable {
  code: string
  label_fr: string
  label_en: string
  position: number
  archived_at: Instant | null
}

export type Civility = 'mme' | 'm'

export interface AccountTable {
  id: string
  /** In the canonical form of `canonicalEmail` (kernel/text.ts): one account per mailbox. */
  email: string
  civility: Civility
  last_name: string
  first_name: string
  profession_code: string
  password_hash: string
  /** Lower-case, accent-free names and email: what the console's search matches on. */
  search_text: string
  created_at: Instant
  email_confirmed_at: Instant | null
  activated_at: Instant | null
  activated_by: string | null
  deactivated_at: Instant | null
  deactivated_by: string | null
  locked_at: Instant | null
  failed_password_count: number
  last_login_at: Instant | null
  password_changed_at: Instant | null
  is_superadmin: number
  access_reviewed_at: Instant | null
  access_reviewed_by: string | null
}

export interface AccountSiteTable {
  account_id: string
  site_id: string
  added_at: Instant
  added_by: string | null
}

/**
 * One row per (hospital, account registered on one of its sites), with copies of the account
 * columns the console lists, filters and counts on (migration 0006). Written only by database
 * triggers on account_site and account: read-only for the application.
 */
export interface AccountHospitalTable {
  hospital_id: string
  account_id: string
  created_at: Instant
  email_confirmed_at: Instant | null
  activated_at: Instant | null
  deactivated_at: Instant | null
  locked_at: Instant | null
  profession_code: string
  search_text: string
  is_superadmin: number
  access_reviewed_at: Instant | null
  /** How many hospitals the account is registered in (admin guide §3.4.3: several → read-only). */
  hospital_count: number
}

export interface SessionTable {
  /** sha256 of the cookie's token: the database never holds a usable session id. */
  id_digest: string
  account_id: string
  created_at: Instant
  last_seen_at: Instant
  ip: string | null
  user_agent: string | null
}

/**
 * A form posted after the session expired (user guide §3.4), kept for the login that follows:
 * keyed by a random cookie of the browser (stored digested), never its passwords, deleted once
 * shown or after rules.savedFormTtl.
 */
export interface SavedFormTable {
  id_digest: string
  /** Whose session expired: only that account's next login gets the form back. */
  account_id: string
  /** The page of the form, where the login brings the user back. */
  return_to: string
  /** Where the form was posted: the form to refill on that page. */
  posted_to: string
  /** JSON object: field name → value or values. */
  fields: string
  created_at: Instant
}

export interface LoginChallengeTable {
  /** sha256 of the pre-login cookie token that binds the code to one browser. */
  id_digest: string
  account_id: string
  code_digest: string
  created_at: Instant
  code_sent_at: Instant
  code_expires_at: Instant
  wrong_codes: number
  codes_sent: number
  return_to: string | null
}

export type TokenPurpose = 'emailConfirmation' | 'unlock' | 'passwordReset' | 'emailChange'

export interface AccountTokenTable {
  digest: string
  account_id: string
  purpose: TokenPurpose
  created_at: Instant
  expires_at: Instant
  used_at: Instant | null
  /** Purpose-specific data, e.g. the new address of an email change. Never a secret. */
  payload: string | null
  /** The account manager or super-administrator who asked an email change; null for other purposes. */
  requested_by: string | null
}

export type OutboxStatus = 'pending' | 'sent' | 'failed'

export interface OutboxTable {
  id: string
  recipient: string
  subject: string
  /** Bodies hold links with tokens: they are erased once sent (kept only by the dev mailbox). */
  text_body: string | null
  html_body: string | null
  template: string
  created_at: Instant
  status: OutboxStatus
  attempts: number
  next_attempt_at: Instant
  claimed_until: Instant | null
  sent_at: Instant | null
  last_error: string | null
}

export interface RateLimitTable {
  key: string
  window_start: Instant
  hits: number
}

export interface AuditEventTable {
  id: string
  seq: number
  at: Instant
  type: string
  actor_id: string | null
  actor_role: string | null
  target_id: string | null
  hospital_id: string | null
  ip: string | null
  user_agent: string | null
  outcome: string
  details: string | null
  /** The event's place in the chain, once sealed (kernel/audit/audit-seal.ts); null until then. */
  chain_seq: number | null
  chain_previous_hash: string | null
  chain_hash: string | null
}

export interface AuditChainHeadTable {
  id: number
  /** The last sealed event's chain place and hash. */
  seq: number
  hash: string
  /** The instance holding the sealer's lease, and until when. */
  sealer: string | null
  sealer_expires_at: Instant | null
}

export interface AccessReviewCampaignTable {
  /** One open campaign per hospital: from reviews becoming due until none is left. */
  hospital_id: string
  started_at: Instant
}

export type AccessReviewNoticeKind = 'due' | 'reminder'

export interface AccessReviewNoticeTable {
  hospital_id: string
  manager_id: string
  kind: AccessReviewNoticeKind
  campaign_started_at: Instant
  sent_at: Instant
}

export type NotificationDigestKind = 'activationPending'

/** Activation digest (README « Operations »): when an account manager last received a digest of this kind. */
export interface NotificationDigestTable {
  account_id: string
  kind: NotificationDigestKind
  last_sent_at: Instant
}

export type EmailCanonicalProblem = 'collision' | 'refused'

/**
 * Accounts migration 0008 could not move to the canonical form of their address: `collision`
 * when another account has (or would get) the same canonical address, `refused` when the address
 * holds characters the canonical form refuses. Their rows were left unchanged, for an operator
 * to settle (`npm run cli -- migrate` lists them); a deleted account takes its row with it.
 */
export interface EmailCanonicalCollisionTable {
  account_id: string
  /** The address as stored when the migration ran. */
  stored_email: string
  /** The canonical address it would have had; null when refused. */
  canonical_email: string | null
  problem: EmailCanonicalProblem
  detected_at: Instant
}

/** What oidc-provider stores (features/openid-provider/adapter.ts), one row per artifact. */
export interface OidcPayloadTable {
  /** oidc-provider's model name: Session, Interaction, Grant, AuthorizationCode, AccessToken, RefreshToken… */
  model: string
  /** SHA-256 of the artifact's id (an opaque token's id is the token itself). */
  id_digest: string
  /** The payload as JSON, without its id. */
  payload: string
  grant_id: string | null
  /** A session's uid (not its cookie value). */
  uid: string | null
  account_id: string | null
  client_id: string | null
  expires_at: Instant | null
  consumed_at: Instant | null
}

/** A relying party registered by a super-administrator (first-party: no consent screen). */
export interface OidcClientTable {
  id: string
  name: string
  /** SHA-256 of the client secret (256 random bits); null for private_key_jwt clients. */
  secret_digest: string | null
  auth_method: 'client_secret_basic' | 'private_key_jwt'
  /** The client's public keys (JWKS as JSON) for private_key_jwt. */
  jwks: string | null
  /** JSON arrays of exact URIs. */
  redirect_uris: string
  post_logout_redirect_uris: string
  backchannel_logout_uri: string | null
  /** Space-separated scopes the client may ask for. */
  scopes: string
  /** ES256, or RS256 for older clients. */
  id_token_alg: 'ES256' | 'RS256'
  created_at: Instant
  created_by: string | null
  secret_rotated_at: Instant | null
  disabled_at: Instant | null
}

/** The provider's private keys: `sig` signing keys (ES256, RS256) and `cookie` keys. */
export interface OidcKeyTable {
  id: string
  use: 'sig' | 'cookie'
  alg: string
  private_jwk: string
  created_at: Instant
  /** Replaced by a newer key: still published until its last token expired, no longer used to sign. */
  retired_at: Instant | null
}

/** A back-channel logout to deliver (features/openid-provider/back-channel-logout.ts). */
export interface OidcLogoutOutboxTable {
  id: string
  client_id: string
  account_id: string
  sid: string | null
  reason: string
  created_at: Instant
  status: 'pending' | 'sent' | 'failed'
  attempts: number
  next_attempt_at: Instant
  claimed_until: Instant | null
  sent_at: Instant | null
  last_error: string | null
}

/**
 * One run of a scheduled task for one day (Europe/Paris), claimed by one instance
 * (kernel/db/task-lease.ts). The holder renews expires_at while it runs; a holder that died
 * leaves it to expire, and another instance takes the run over.
 */
export interface TaskLeaseTable {
  task: string
  /** The Paris day of the run, YYYY-MM-DD. */
  day: string
  /** Which instance holds or held it: host name, process id and a random part. */
  holder: string
  /** Instances that took the run so far that day (the first, then each takeover). */
  attempts: number
  started_at: Instant
  expires_at: Instant
  finished_at: Instant | null
}

export interface Database {
  hospital: HospitalTable
  hospital_email_domain: HospitalEmailDomainTable
  site: SiteTable
  profession: ProfessionTable
  account: AccountTable
  account_site: AccountSiteTable
  account_hospital: AccountHospitalTable
  session: SessionTable
  saved_form: SavedFormTable
  login_challenge: LoginChallengeTable
  account_token: AccountTokenTable
  outbox: OutboxTable
  rate_limit: RateLimitTable
  audit_event: AuditEventTable
  audit_chain_head: AuditChainHeadTable
  access_review_campaign: AccessReviewCampaignTable
  access_review_notice: AccessReviewNoticeTable
  notification_digest: NotificationDigestTable
  email_canonical_collision: EmailCanonicalCollisionTable
  task_lease: TaskLeaseTable
  oidc_payload: OidcPayloadTable
  oidc_client: OidcClientTable
  oidc_key: OidcKeyTable
  oidc_logout_outbox: OidcLogoutOutboxTable
}

export type Account = Selectable<AccountTable>
export type NewAccount = Insertable<AccountTable>
export type AccountUpdate = Updateable<AccountTable>
export type Site = Selectable<SiteTable>
export type Hospital = Selectable<HospitalTable>
export type OutboxRow = Selectable<OutboxTable>

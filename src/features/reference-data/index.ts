/**
 * Reference data: hospitals, their sites and email domains, professions, demo data, the CSV
 * import and the first super-administrator. Other features read hospitals and sites only
 * through the query functions exported here.
 */
export { seedProfessions, listProfessions } from './professions.ts'
export { createSuperadmin, type SuperadminFields } from './superadmin.ts'
export { loadDemoData, demoPassword, type DemoAccount } from './demo-data.ts'
export { importReferenceData, type ImportKind, type ImportResult, type ImportError } from './reference-import.ts'
export { findFinessProblem, type FinessProblem } from './finess.ts'
export {
  listHospitals, findHospital, hospitalEmailDomains, listSitesOfHospital, searchSites, findSitesByIds,
  accountAdministrationSiteTitle, siteSearchText, type HospitalSummary, type SiteSummary, type SiteSearch,
} from './reference-data.queries.ts'
export { messages as referenceDataMessages } from './messages.ts'
export { referenceDataRoutes } from './reference-data.routes.ts'

/**
 * Reference-data administration (the guide's reference data: hospitals, sites, professions): super-administrators
 * edit hospitals (with their email domains), sites and professions; mounted at
 * /gestion/referentiel by app.ts.
 */
export { referenceDataAdministrationRoutes } from './reference-data-administration.routes.ts'

/**
 * Reference-data administration (issue 4 « Super-administrator pages »): super-administrators
 * edit hospitals (with their email domains), sites and professions; mounted at
 * /gestion/referentiel by app.ts.
 */
export { referenceDataAdministrationRoutes } from './reference-data-administration.routes.ts'

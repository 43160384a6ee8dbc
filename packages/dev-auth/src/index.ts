/**
 * The development secret `npm start`, `npm run token` and `npm run simulate` share when
 * JWT_SECRET is unset. A package of its own so that a tool can sign a development token
 * without importing the service (and everything the service imports).
 */
export const developmentJwtSecret = 'development-only-secret-do-not-use-in-production';

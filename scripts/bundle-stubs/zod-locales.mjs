// Stands in for zod v4's `locales/index.js`: the error messages of 50 languages (about 250 KiB minified), of which
// zod itself uses only English by default and the function never switches. Names stay reachable as `locales.en`.
export { default as en } from 'zod/v4/locales/en.js';

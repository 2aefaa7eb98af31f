declare const AOAI_VERSION: string | undefined;

/** Replaced at build time with package.json's version; tests run the source and see 'dev'. */
export const VERSION: string = typeof AOAI_VERSION === 'string' ? AOAI_VERSION : '0.0.0-dev';

/**
 * The one value each dynamic segment is exported under (see path-segment.ts); the webapp serves `<parent>/_.html`
 * for any `<parent>/<value>`.
 */
export const EXPORT_PLACEHOLDER = "_";

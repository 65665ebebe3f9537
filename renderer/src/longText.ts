/**
 * Styles for text the user or a model wrote: kept line breaks, and a word longer than its box (a URL, a model's
 * answer without spaces) breaks inside the word instead of widening the page. Note: `overflow-wrap: anywhere`
 * (unlike `break-word`) also lowers the box's min-content width, so grid and table columns can stay narrow.
 */
export const LONG_TEXT_SX = { whiteSpace: "pre-wrap", overflowWrap: "anywhere" } as const;

/** Two equal columns side by side from md up (one below) that never grow past their share, whatever they hold. */
export const TWO_COLUMNS_SX = { display: "grid", gap: 2, gridTemplateColumns: { xs: "minmax(0, 1fr)", md: "repeat(2, minmax(0, 1fr))" } } as const;

import { createElement, type FunctionComponent } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { DraftSource } from "../../electron/contract/dto";

// Note: a specifier tsc does not follow: the node tsconfig has no JSX (the web one checks the component itself).
const COMPONENT = "../../renderer/src/components/DraftPassage.tsx";
const { DraftPassage } = (await import(/* @vite-ignore */ COMPONENT)) as { DraftPassage: FunctionComponent<{ text: string; source: DraftSource; testId?: string }> };

/** The passage as the review table renders it (server-side markup: no browser needed). */
const html = (text: string, start: number, evidence: { start: number; end: number }[]) =>
  renderToStaticMarkup(createElement(DraftPassage, { text, source: { file: "a.md", start, end: start + text.length, evidence }, testId: "p" }));

describe("a drafted pair's source passage in the review table", () => {
  it("marks the answer's evidence with <mark> and escapes the document's text", () => {
    const text = "Open at 8 am. Closed on <Sundays> & holidays.";
    const out = html(text, 40, [{ start: 54, end: 40 + text.length }]);
    expect(out).toContain("<mark>Closed on &lt;Sundays&gt; &amp; holidays.</mark>");
    expect(out).toContain("<span>Open at 8 am. </span>");
    expect(out.match(/<mark>/g)).toHaveLength(1);
  });

  it("has no mark when no sentence supports the answer", () => {
    expect(html("Wash hands.", 0, [])).not.toContain("<mark>");
  });
});

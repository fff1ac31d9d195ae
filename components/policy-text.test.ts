import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { PolicyText } from "./policy-text";

const render = (text: string) => renderToStaticMarkup(createElement(PolicyText, { text }));

describe("PolicyText", () => {
  it("renders Markdown: headings are headings, hard-wrapped lines reflow into one paragraph, lists are lists", () => {
    const html = render(
      "## 1. Who we are\nThese terms are an agreement. By\ncreating an account you accept them.\n\n- one\n- two",
    );
    expect(html).toContain("<h2>1. Who we are</h2>");
    expect(html).toContain("<p>These terms are an agreement. By\ncreating an account you accept them.</p>");
    expect(html).toContain("<ul>\n<li>one</li>\n<li>two</li>\n</ul>");
  });

  it("keeps the page's title the only h1", () => {
    expect(render("# Big")).toContain("<h2>Big</h2>");
    expect(render("# Big")).not.toContain("<h1");
  });

  it("interprets no HTML, runs no script links and loads no images", () => {
    const html = render(
      "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) ![tracker](https://tracker.example/pixel.png) <b>bold</b>",
    );
    expect(html).not.toMatch(/<script|<img|onerror|<b>|javascript:/i);
    expect(html).toContain(">click</a>");
    expect(html).toContain("tracker");
  });
});

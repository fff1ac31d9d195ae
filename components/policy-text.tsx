import Markdown, { type Components } from "react-markdown";

/**
 * Element names a policy may use. Raw HTML in the text is never interpreted (react-markdown
 * without rehype-raw, `skipHtml`); an image shows as its description only: a policy must not
 * load anything from elsewhere.
 */
const ALLOWED_ELEMENTS = [
  "p",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "ul",
  "ol",
  "li",
  "strong",
  "em",
  "a",
  "blockquote",
  "code",
  "pre",
  "hr",
  "br",
  "img",
];

/** The page's own title is the only h1: a `#` heading in the text is shown one level down. */
const COMPONENTS: Components = {
  h1: ({ node: _node, ...props }) => <h2 {...props} />,
  img: ({ alt }) => <span>{alt}</span>,
};

/**
 * Policy text as Markdown (ADR 036): headings are headings and paragraphs reflow. Only the
 * rendering changes; the stored text, and so its hash, stay exactly as the admin wrote them.
 */
export function PolicyText({ text }: { text: string }) {
  return (
    <div className="policy-text mt-6 max-w-prose space-y-4 break-words text-slate-800">
      <Markdown allowedElements={ALLOWED_ELEMENTS} unwrapDisallowed skipHtml components={COMPONENTS}>
        {text}
      </Markdown>
    </div>
  );
}

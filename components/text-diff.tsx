import type { DiffPart } from "@/lib/policies/word-diff";

/**
 * A word diff of a document's source text, changes marked in colour and in words for screen
 * readers (`<ins>` and `<del>` alone are not announced by most of them).
 */
export function TextDiff({ parts }: { parts: DiffPart[] }) {
  return (
    <div className="mt-4 max-w-prose text-sm leading-relaxed break-words whitespace-pre-wrap text-slate-800">
      {parts.map((part, index) =>
        part.kind === "same" ? (
          <span key={index}>{part.text}</span>
        ) : part.kind === "added" ? (
          <ins key={index} className="rounded-sm bg-green-100 text-green-950 underline decoration-green-700">
            <span className="sr-only">[added: </span>
            {part.text}
            <span className="sr-only">]</span>
          </ins>
        ) : (
          <del key={index} className="rounded-sm bg-red-100 text-red-950 line-through decoration-red-700">
            <span className="sr-only">[removed: </span>
            {part.text}
            <span className="sr-only">]</span>
          </del>
        ),
      )}
    </div>
  );
}

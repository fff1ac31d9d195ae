/** Policy text as written: paragraphs separated by blank lines, no HTML interpreted. */
export function PolicyText({ text }: { text: string }) {
  return (
    <div className="mt-6 max-w-prose space-y-4 text-slate-800">
      {text.split(/\n{2,}/).map((paragraph, index) => (
        <p key={index} className="whitespace-pre-line">
          {paragraph}
        </p>
      ))}
    </div>
  );
}

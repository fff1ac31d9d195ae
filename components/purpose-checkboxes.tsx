/** One unticked checkbox per optional purpose: no pre-ticked boxes, no bundling. */
export function PurposeCheckboxes({
  name,
  purposes,
}: {
  name: string;
  purposes: Array<{ key: string; title: string; description: string; confirmByEmail?: boolean }>;
}) {
  return (
    <ul className="space-y-3">
      {purposes.map((purpose) => (
        <li key={purpose.key} className="flex items-start gap-3">
          <input
            id={`${name}-${purpose.key}`}
            name={name}
            value={purpose.key}
            type="checkbox"
            className="mt-1 h-5 w-5 shrink-0"
          />
          <label htmlFor={`${name}-${purpose.key}`}>
            <span className="font-medium">{purpose.title}</span>
            <span className="block text-sm text-slate-600">{purpose.description}</span>
            {purpose.confirmByEmail && (
              <span className="block text-sm text-slate-600">
                Starts once you follow the link we email you, to show the inbox is yours.
              </span>
            )}
          </label>
        </li>
      ))}
    </ul>
  );
}

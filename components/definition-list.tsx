import { Fragment, type ReactNode } from "react";

export interface Definition {
  term: ReactNode;
  value: ReactNode;
  /** Identifiers and hashes: monospace, broken anywhere; `hash` also small. */
  mono?: boolean | "hash";
  testId?: string;
}

const SIZES = {
  sm: { list: "gap-x-4 gap-y-1 text-sm", term: "text-slate-600" },
  base: { list: "gap-x-6 gap-y-2", term: "font-medium text-slate-600" },
} as const;

const MONO = { hash: "font-mono text-xs break-all", true: "font-mono break-all", false: undefined } as const;

/** Terms in one column, their values beside them. Falsy items are left out. */
export function DefinitionList({
  items,
  size = "sm",
  className = "",
}: {
  items: ReadonlyArray<Definition | false | null | undefined>;
  size?: keyof typeof SIZES;
  className?: string;
}) {
  const style = SIZES[size];
  return (
    <dl className={`grid grid-cols-[max-content_1fr] ${style.list} ${className}`}>
      {items.map(
        (item, index) =>
          item && (
            <Fragment key={index}>
              <dt className={style.term}>{item.term}</dt>
              <dd className={MONO[`${item.mono ?? false}`]} data-testid={item.testId}>
                {item.value}
              </dd>
            </Fragment>
          ),
      )}
    </dl>
  );
}

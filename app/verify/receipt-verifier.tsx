"use client";

import { useState, type DragEvent, type FormEvent } from "react";
import { buttonClass } from "@/components/button-class";
import { TextArea, TextInput } from "@/components/form-field";
import { Notice } from "@/components/notice";
import { Panel } from "@/components/panel";
import { type Jwks, RECEIPT_CHECK_TITLES, type ReceiptCheck, verifyReceiptFile } from "@/lib/tlog/verify-receipt";

type Outcome = { fileName: string; checks: ReceiptCheck[] } | { fileName: string; error: string };

/** Reads a receipt file (chosen or dropped) and shows every check of verifyReceiptFile, in plain words. */
export function ReceiptVerifier(props: {
  initialLogKey: string;
  initialWitnessKeys: string;
  initialQuorum: number;
  initialJwks: string;
}) {
  const [logKey, setLogKey] = useState(props.initialLogKey);
  const [witnessKeys, setWitnessKeys] = useState(props.initialWitnessKeys);
  const [quorum, setQuorum] = useState(String(props.initialQuorum));
  const [jwks, setJwks] = useState(props.initialJwks);
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  async function verify(chosen: File | null) {
    if (!chosen) return;
    let content: unknown;
    try {
      content = JSON.parse(await chosen.text());
    } catch {
      setOutcome({ fileName: chosen.name, error: "This file is not a JSON receipt file." });
      return;
    }
    let keys: Jwks | undefined;
    try {
      keys = jwks.trim() ? (JSON.parse(jwks) as Jwks) : undefined;
    } catch {
      setOutcome({ fileName: chosen.name, error: "The portal's signing keys (JWKS) are not valid JSON." });
      return;
    }
    const checks = await verifyReceiptFile(content, {
      logKey,
      witnessKeys: witnessKeys.split(/\s+/).filter(Boolean),
      quorum: Math.max(1, Number(quorum) || 1),
      jwks: keys,
    });
    setOutcome({ fileName: chosen.name, checks });
  }

  function choose(chosen: File | null) {
    setFile(chosen);
    void verify(chosen);
  }

  function onDrop(event: DragEvent<HTMLElement>) {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0] ?? null);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void verify(file);
  }

  const proven = outcome && "checks" in outcome && outcome.checks.every((check) => check.ok);
  return (
    <form onSubmit={onSubmit} className="space-y-6">
      <Panel
        id="receipt-file"
        title="Your receipt"
        description="The .json receipt file you downloaded from your history."
      >
        <div
          data-testid="receipt-drop-zone"
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          className={`mt-4 rounded-lg border-2 border-dashed p-6 text-center ${dragging ? "border-blue-700 bg-blue-50" : "border-slate-300"}`}
        >
          <p className="text-slate-700">Drop the receipt file here, or choose it:</p>
          <label htmlFor="receipt" className="sr-only">
            Receipt file
          </label>
          <input
            id="receipt"
            name="receipt"
            type="file"
            accept="application/json,.json"
            className="mx-auto mt-3 block text-sm"
            onChange={(event) => choose(event.target.files?.[0] ?? null)}
          />
        </div>
      </Panel>

      {outcome && (
        <Panel id="result" title={`Result for ${outcome.fileName}`}>
          {"error" in outcome ? (
            <Notice tone="error" role="alert" className="mt-4">
              {outcome.error}
            </Notice>
          ) : (
            <>
              <Notice tone={proven ? "success" : "error"} role={proven ? "status" : "alert"} className="mt-4">
                {proven
                  ? "This receipt is proven: every check passed."
                  : "This receipt is NOT proven: see the checks marked ✖ below."}
              </Notice>
              <ul aria-label="Checks" className="mt-4 space-y-3">
                {outcome.checks.map((check) => (
                  <li key={check.check} data-testid={`check-${check.check}`} data-ok={check.ok} className="flex gap-3">
                    <span aria-hidden="true" className={check.ok ? "text-green-700" : "text-red-700"}>
                      {check.ok ? "✔" : "✖"}
                    </span>
                    <span>
                      <span className="font-medium">
                        {RECEIPT_CHECK_TITLES[check.check]}
                        <span className="sr-only">{check.ok ? ": passed" : ": failed"}</span>
                      </span>
                      <span className="block text-sm text-slate-700">{check.detail}</span>
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </Panel>
      )}

      <Panel
        id="keys"
        title="Keys you trust"
        description="Filled in with this portal's keys. For a proof that does not rely on this portal, paste keys you got from the witnesses' operators."
      >
        <div className="mt-4 space-y-4">
          <TextInput
            name="logKey"
            label="Log key"
            value={logKey}
            onChange={(event) => setLogKey(event.target.value)}
            inputClassName="font-mono text-sm"
          />
          <TextArea
            name="witnessKeys"
            label="Witness keys"
            hint="One per line."
            rows={3}
            value={witnessKeys}
            onChange={(event) => setWitnessKeys(event.target.value)}
            inputClassName="font-mono text-sm"
          />
          <TextInput
            name="quorum"
            label="Witnesses that must have confirmed it"
            type="number"
            min={1}
            value={quorum}
            onChange={(event) => setQuorum(event.target.value)}
            inputClassName="w-24"
          />
          <TextArea
            name="jwks"
            label="The portal's receipt signing keys (JWKS)"
            hint="From /api/receipts/jwks. Leave empty to skip checking the portal's signature."
            rows={3}
            value={jwks}
            onChange={(event) => setJwks(event.target.value)}
            inputClassName="font-mono text-xs"
          />
          <button type="submit" className={buttonClass("secondary")} disabled={!file}>
            Verify again with these keys
          </button>
        </div>
      </Panel>
    </form>
  );
}

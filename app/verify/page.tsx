import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { readVerificationKeys } from "@/lib/transparency/read-verification-keys";
import { ReceiptVerifier } from "./receipt-verifier";

export const metadata: Metadata = { title: "Verify a receipt" };

/**
 * Public: anyone can check a consent receipt here, in their own browser. The keys are pre-filled
 * from this portal's configuration; a careful person replaces them with keys obtained elsewhere
 * (from the witness operators), since a page cannot vouch for the keys it serves itself.
 */
export default async function VerifyReceiptPage() {
  const keys = await readVerificationKeys();
  return (
    <div className="space-y-6">
      <PageHeader
        title="Verify a consent receipt"
        intro="Check that a receipt you downloaded was signed by this portal and is recorded in its public log, as confirmed by independent witnesses. The check runs in your browser: the file is not sent anywhere."
      />
      <ReceiptVerifier
        initialLogKey={keys.logKey}
        initialWitnessKeys={keys.witnessKeys.join("\n")}
        initialQuorum={keys.quorum}
        initialJwks={JSON.stringify(keys.jwks)}
      />
    </div>
  );
}

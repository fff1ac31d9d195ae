import "server-only";
import type { Tx } from "@/lib/db/client";
import type { CreatePurposeInput, PublishPolicyVersionInput } from "@/lib/policies/schemas";
import { createPurpose } from "@/lib/admin/create-purpose";
import { publishPolicyVersion } from "@/lib/admin/publish-policy-version";
import { systemActor } from "@/lib/auth/actor";

/** The demo's purposes: the Terms are required, the rest optional and governed by the Privacy Policy. */
const DEMO_PURPOSES: CreatePurposeInput[] = [
  {
    key: "terms",
    title: "Terms of Service",
    description: "I agree to the Terms of Service, which govern my use of the service and my account.",
    required: true,
    policyKind: "terms",
    position: 0,
  },
  {
    key: "marketing-email",
    title: "Marketing emails",
    description: "Send me news, offers and product announcements by email, at most twice a month.",
    // Sent by email: consent counts once the address is proved to be the person's (ADR 040).
    requiresVerifiedEmail: true,
    policyKind: "privacy",
    position: 1,
  },
  {
    key: "analytics",
    title: "Product analytics",
    description: "Measure how I use the service (pages visited, features used) to improve it. No advertising profiles.",
    policyKind: "privacy",
    position: 2,
  },
  {
    key: "product-research",
    title: "Product research",
    description: "Invite me to occasional surveys and interviews about new features.",
    policyKind: "privacy",
    position: 3,
  },
];

const TERMS_V1 = `## 1. Who we are
These terms are an agreement between you and the operator of this service (“we”, “us”). By
creating an account you accept them. If you do not accept them, do not create an account.

## 2. Your account
You must give accurate information when you sign up and keep your password secret. You are
responsible for what happens under your account. Tell us at once if you suspect misuse.

## 3. Acceptable use
Do not use the service to break the law, to harm others, to send spam, or to interfere with the
service or its security. We may suspend an account that does so, and will tell you why.

## 4. Your content and data
What you put into the service stays yours. We process personal data only as our Privacy Policy
describes. You can download your data and delete your account at any time from the portal.

## 5. Changes to these terms
When we change these terms we publish a new version here. If a change affects your rights, we
ask for your agreement again before you continue to use the service.

## 6. Ending the agreement
You may close your account at any time. Withdrawing your agreement to these terms closes your
account. We may end the agreement if you seriously or repeatedly break these terms.

## 7. Liability
We provide the service with reasonable care and skill. Nothing in these terms limits liability
that cannot be limited by law.

## 8. Law
These terms are governed by the law of the country where the operator is established. You keep
the protection of the mandatory consumer law of the country where you live.

Contact: privacy@consent-portal.example`;

const PRIVACY_V1 = `## 1. Controller
The operator of this service is the controller of your personal data. Contact our privacy team at
privacy@consent-portal.example.

## 2. What we collect
Account data (email address, name), the consent decisions you make here, and — only if you
agree — usage data about how you use the service.

## 3. Why, and on what legal basis
- To provide your account and the service: performance of our contract with you (Terms of Service).
- Marketing emails: your consent. You can withdraw it at any time.
- Product analytics: your consent. You can withdraw it at any time.
- Product research invitations: your consent. You can withdraw it at any time.

Withdrawing consent does not affect processing that happened before the withdrawal.

## 4. Proof of consent
We keep a tamper-evident record of each consent decision: what you agreed to, which version of
this text you saw, when and how. The record uses a pseudonymous identifier; if you erase your
account, the link between that identifier and you is destroyed.

## 5. Sharing
We use an identity provider (Auth0) to run sign-in. We do not sell personal data and do not
share it with advertisers.

## 6. Retention
Account data is kept while your account exists. Usage data is kept for at most 13 months.

## 7. Your rights
You may access, correct, export and erase your data, withdraw consent, object to processing
and complain to your data protection authority. Most of this you can do yourself in the portal.

## 8. Changes
We publish every version of this policy. When a change needs your consent, we ask again.`;

/** Version 1 of the Terms and the Privacy Policy, in Markdown (the page shows the title and version). */
const DEMO_POLICY_VERSIONS: PublishPolicyVersionInput[] = [
  { kind: "terms", version: "1", title: "Terms of Service", url: "/policies/terms/1", text: TERMS_V1 },
  { kind: "privacy", version: "1", title: "Privacy Policy", url: "/policies/privacy/1", text: PRIVACY_V1 },
];

/** Version 2 of the Privacy Policy, which the demo history publishes with re-consent. */
export const PRIVACY_V2 = PRIVACY_V1.replace(
  "Account data is kept while your account exists. Usage data is kept for at most 13 months.",
  "Account data is kept while your account exists. Usage data is kept for at most 6 months, and\nresearch interview notes for at most 12 months.",
).replace(
  "share it with advertisers.",
  "share it with advertisers. Survey tools we use for product research process your answers on\nour behalf, under contract.",
);
export const PRIVACY_V2_SUMMARY =
  "Usage data is now kept for 6 months instead of 13, and product research uses a survey tool that processes answers on our behalf.";

/**
 * Creates the demo purposes and publishes version 1 of each document; `publishedAt` dates the
 * documents at the start of a generated demo history.
 */
export async function seedConsentCatalog(tx: Tx, options: { publishedAt?: Date } = {}): Promise<void> {
  const seed = systemActor("seed");
  for (const purpose of DEMO_PURPOSES) await createPurpose(purpose, seed, tx);
  for (const version of DEMO_POLICY_VERSIONS) {
    await publishPolicyVersion(version, seed, tx, { publishedAt: options.publishedAt });
  }
}

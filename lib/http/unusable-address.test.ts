import { describe, expect, it } from "vitest";
import { unusableAddress } from "./unusable-address";

describe("unusableAddress", () => {
  it("lets ordinary addresses through, encoded text included", () => {
    for (const target of [
      "/",
      "/policies/terms/1",
      "/compliance?email=a%2Bb%40example.test&from=2026-01-01",
      "/admin/purposes/caf%C3%A9",
      "/log/proof/inclusion?index=1&size=2",
      "/x?q=%FF", // a bad escape in the query decodes to U+FFFD: harmless
    ]) {
      expect(unusableAddress(target), target).toBeNull();
    }
  });

  it("refuses path escapes that are not UTF-8 and NUL anywhere", () => {
    expect(unusableAddress("/admin/exports/jobs/%FF")).toBe("The address has a percent-escape that is not UTF-8.");
    expect(unusableAddress("/admin/exports/jobs/%C0%AF")).toBe("The address has a percent-escape that is not UTF-8.");
    expect(unusableAddress("/admin/exports/jobs/%E2%82")).toBe("The address has a percent-escape that is not UTF-8.");
    expect(unusableAddress("/admin/exports/jobs/%ZZ")).toBe("The address has a percent-escape that is not UTF-8.");
    expect(unusableAddress("/admin/exports/jobs/%")).toBe("The address has a percent-escape that is not UTF-8.");
    expect(unusableAddress("/policies/terms/%00")).toBe("The address contains a NUL character.");
    expect(unusableAddress("/compliance?email=%00")).toBe("The query contains a NUL character.");
  });
});

import { describe, expect, it } from "vitest";
import { generateSignerKey, SIGNATURE_TYPE, verifierKeyOf } from "@/lib/tlog/note";
import { parseWitnesses, parseWitnessQuorum } from "./witness-config";

const w1 = verifierKeyOf(generateSignerKey("witness.example/w1", SIGNATURE_TYPE.cosignatureV1));
const w2 = verifierKeyOf(generateSignerKey("witness.example/w2", SIGNATURE_TYPE.cosignatureV1));
const logKey = verifierKeyOf(generateSignerKey("consent.example/log"));

describe("WITNESSES and WITNESS_QUORUM", () => {
  it("reads `<url>#<verifier key>` entries separated by commas or spaces", () => {
    const witnesses = parseWitnesses(` http://localhost:4130#${w1},\nhttps://dpo.example/witness/#${w2} `);
    expect(witnesses.map(({ url, key }) => ({ url, key }))).toEqual([
      { url: "http://localhost:4130", key: w1 },
      { url: "https://dpo.example/witness/", key: w2 },
    ]);
    expect(parseWitnesses("")).toEqual([]);
  });

  it("names what is wrong with an entry", () => {
    expect(() => parseWitnesses(w1)).toThrow("a witness is <http(s) URL>#<verifier key>");
    expect(() => parseWitnesses(`ftp://x#${w1}`)).toThrow("a witness is <http(s) URL>#<verifier key>");
    expect(() => parseWitnesses("http://x#nope")).toThrow("the witness key for http://x is not a verifier key");
    expect(() => parseWitnesses(`http://x#${logKey}`)).toThrow("must be a cosignature (0x04) key");
    expect(() => parseWitnesses(`http://x#${w1} http://y#${w1}`)).toThrow("listed twice");
  });

  it("defaults the quorum to one witness and refuses more than there are", () => {
    expect(parseWitnessQuorum(undefined, 2)).toBe(1);
    expect(parseWitnessQuorum(undefined, 0)).toBe(0);
    expect(parseWitnessQuorum("2", 2)).toBe(2);
    expect(() => parseWitnessQuorum("3", 2)).toThrow(
      "WITNESS_QUORUM must be an integer from 0 to the number of witnesses (2)",
    );
    expect(() => parseWitnessQuorum("1.5", 2)).toThrow("WITNESS_QUORUM");
  });
});

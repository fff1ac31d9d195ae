// The `q` language (Auth0 user search v3 subset) evaluated against profiles, without HTTP.
import { describe, expect, it } from "vitest";
import { compileUserQuery, valuesAtPath } from "./user-search.js";

const ada = {
  user_id: "auth0|ada",
  email: "ada@example.com",
  name: "Ada Lovelace",
  logins_count: 5,
  created_at: "2024-03-01T00:00:00.000Z",
  user_metadata: {
    consent: { given: true, version: 3 },
    addresses: [{ city: "London" }, { city: "Paris" }],
    plan: "Gold",
  },
  app_metadata: { roles: ["admin", "compliance"] },
};
const grace = {
  user_id: "auth0|grace",
  email: "grace@example.org",
  name: "Grace Hopper",
  logins_count: 1,
  created_at: "2023-01-01T00:00:00.000Z",
};
const people = [ada, grace];
const run = (q: string) => people.filter(compileUserQuery(q)).map((person) => person.user_id);

describe("compileUserQuery", () => {
  it("matches exact values on nested paths and through arrays", () => {
    expect(run("user_metadata.consent.given:true")).toEqual(["auth0|ada"]);
    expect(run("user_metadata.consent.given:false")).toEqual([]);
    expect(run("user_metadata.consent.version:3")).toEqual(["auth0|ada"]);
    expect(run('user_metadata.addresses.city:"Paris"')).toEqual(["auth0|ada"]);
    expect(run("app_metadata.roles:compliance")).toEqual(["auth0|ada"]);
  });

  it("treats normalized fields case-insensitively, everything else case-sensitively", () => {
    expect(run('email:"GRACE@EXAMPLE.ORG"')).toEqual(["auth0|grace"]);
    expect(run('name:"ada lovelace"')).toEqual(["auth0|ada"]);
    expect(run('user_metadata.plan:"gold"')).toEqual([]);
    expect(run('user_id:"AUTH0|ADA"')).toEqual([]);
  });

  it("supports AND, OR, NOT, parentheses, '-' and implicit OR", () => {
    expect(run("logins_count:5 AND email.domain:example.com")).toEqual(["auth0|ada"]);
    expect(run("logins_count:5 OR logins_count:1")).toEqual(["auth0|ada", "auth0|grace"]);
    expect(run("NOT logins_count:5")).toEqual(["auth0|grace"]);
    expect(run("-logins_count:5")).toEqual(["auth0|grace"]);
    expect(run("logins_count:1 logins_count:5")).toEqual(["auth0|ada", "auth0|grace"]);
    expect(run("(logins_count:1 OR logins_count:5) AND NOT email.domain:example.org")).toEqual(["auth0|ada"]);
  });

  it("supports wildcards, ranges and _exists_", () => {
    expect(run("name:gr*")).toEqual(["auth0|grace"]);
    expect(run("email:*@example.com")).toEqual(["auth0|ada"]);
    expect(run("logins_count:[2 TO 10]")).toEqual(["auth0|ada"]);
    expect(run("logins_count:{1 TO 5}")).toEqual([]);
    expect(run("created_at:[2024-01-01 TO *]")).toEqual(["auth0|ada"]);
    expect(run("_exists_:user_metadata.consent")).toEqual(["auth0|ada"]);
  });

  it("matches a bare term against the normalized fields and user_id only, never metadata", () => {
    expect(run("ada@example.com")).toEqual(["auth0|ada"]);
    expect(run("Gold")).toEqual([]);
  });

  it("matches everyone for an empty query and refuses what it cannot honour", () => {
    expect(run("")).toEqual(["auth0|ada", "auth0|grace"]);
    expect(() => compileUserQuery("name:")).toThrow(/Invalid query/);
    expect(() => compileUserQuery("user_metadata.plan:Go*")).toThrow(/Wildcard/);
    expect(() => compileUserQuery("user_metadata.consent.version:[1 TO 5]")).toThrow(/Range/);
    expect(() => compileUserQuery("name:/a.*/")).toThrow(/Regular expression/);
    expect(() => compileUserQuery("name:ada~")).toThrow(/Fuzzy/);
  });
});

describe("valuesAtPath", () => {
  it("collects leaves through objects and arrays", () => {
    expect(valuesAtPath(ada, "user_metadata.addresses.city")).toEqual(["London", "Paris"]);
    expect(valuesAtPath(ada, "app_metadata.roles")).toEqual(["admin", "compliance"]);
    expect(valuesAtPath(ada, "user_metadata.nothing.here")).toEqual([]);
  });
});

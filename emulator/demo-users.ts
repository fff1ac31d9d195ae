import { hashPassword } from "./passwords.js";
import { TenantStore } from "./store.js";

export const DEMO_PASSWORD = "demo-password";

/** One demo account per portal role. */
export const DEMO_USERS = [
  { email: "user@demo.test", name: "Una User", roles: ["user"] },
  { email: "compliance@demo.test", name: "Cora Compliance", roles: ["compliance"] },
  { email: "admin@demo.test", name: "Ada Admin", roles: ["admin"] },
] as const;

/** Creates the demo accounts that are missing; existing ones are left as they are. */
export async function ensureDemoUsers(store: TenantStore): Promise<void> {
  for (const demo of DEMO_USERS) {
    if (store.findUserByEmail(demo.email)) continue;
    const now = new Date().toISOString();
    store.saveUser({
      user_id: TenantStore.newUserId(),
      email: demo.email,
      email_verified: true,
      name: demo.name,
      nickname: demo.email.split("@")[0] ?? demo.email,
      picture: "",
      created_at: now,
      updated_at: now,
      logins_count: 0,
      user_metadata: {},
      app_metadata: { roles: [...demo.roles] },
      password_hash: await hashPassword(DEMO_PASSWORD),
    });
  }
}

/**
 * The generated people of the demo history (`person-0001@demo.example`, …): Auth0 users that
 * exist before their consent history is written, so the outbox can mirror it to them. They
 * share one password hash (hashing 2,000 passwords would take a minute for nothing).
 */
export async function ensureDemoHistoryUsers(
  store: TenantStore,
  count: number,
): Promise<Array<{ auth0UserId: string; email: string; name: string }>> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const people = [];
  for (let index = 1; index <= count; index += 1) {
    const email = `person-${String(index).padStart(4, "0")}@demo.example`;
    let user = store.findUserByEmail(email);
    if (!user) {
      const now = new Date().toISOString();
      user = {
        user_id: TenantStore.newUserId(),
        email,
        email_verified: true,
        name: `Demo Person ${index}`,
        nickname: email.split("@")[0]!,
        picture: "",
        created_at: now,
        updated_at: now,
        logins_count: 0,
        user_metadata: {},
        app_metadata: {},
        password_hash: passwordHash,
      };
      store.saveUser(user);
    }
    people.push({ auth0UserId: user.user_id, email, name: user.name });
  }
  return people;
}

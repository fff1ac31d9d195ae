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

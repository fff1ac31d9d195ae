import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Auth0's default database connection name. */
export const DATABASE_CONNECTION = "Username-Password-Authentication";

export type Metadata = Record<string, unknown>;

export interface StoredUser {
  user_id: string;
  email: string;
  email_verified: boolean;
  name: string;
  nickname: string;
  given_name?: string;
  family_name?: string;
  picture: string;
  created_at: string;
  updated_at: string;
  last_login?: string;
  logins_count: number;
  blocked?: boolean;
  user_metadata: Metadata;
  app_metadata: Metadata;
  /** scrypt hash; internal, never returned by any API. */
  password_hash: string;
}

export interface StoredClient {
  client_id: string;
  client_secret: string;
  name: string;
  app_type: "regular_web" | "non_interactive";
  callbacks: string[];
  allowed_logout_urls: string[];
  client_metadata: Record<string, string>;
  /** Management API scopes granted to this client (client credentials). */
  scopes: string[];
  /** Free text, at most 140 characters (Auth0's limit). */
  description?: string;
}

/** A client grant: a client may ask tokens for an API (`audience`) with these scopes. */
export interface StoredClientGrant {
  id: string;
  client_id: string;
  audience: string;
  scope: string[];
}

interface TenantData {
  users: StoredUser[];
  clients: StoredClient[];
  /** Absent in tenant files written before client grants existed. */
  clientGrants?: StoredClientGrant[];
}

/**
 * The emulator's own store: one JSON file, rewritten atomically (write + rename) on every
 * change, so the tenant survives a restart. It is separate from the portal's database on
 * purpose: the portal must only know Auth0 through its APIs.
 */
export class TenantStore {
  private readonly users = new Map<string, StoredUser>();
  private readonly clients = new Map<string, StoredClient>();
  private readonly clientGrants = new Map<string, StoredClientGrant>();

  constructor(private readonly file: string | null) {
    if (file) {
      try {
        const data = JSON.parse(readFileSync(file, "utf8")) as TenantData;
        for (const user of data.users) this.users.set(user.user_id, user);
        for (const client of data.clients) this.clients.set(client.client_id, client);
        for (const grant of data.clientGrants ?? []) this.clientGrants.set(grant.id, grant);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
  }

  static newUserId(): string {
    return `auth0|${randomBytes(12).toString("hex")}`;
  }

  allUsers(): StoredUser[] {
    return [...this.users.values()];
  }

  getUser(userId: string): StoredUser | undefined {
    return this.users.get(userId);
  }

  findUserByEmail(email: string): StoredUser | undefined {
    const wanted = email.toLowerCase();
    return this.allUsers().find((user) => user.email === wanted);
  }

  saveUser(user: StoredUser): void {
    this.users.set(user.user_id, user);
    this.persist();
  }

  deleteUser(userId: string): boolean {
    const existed = this.users.delete(userId);
    if (existed) this.persist();
    return existed;
  }

  allClients(): StoredClient[] {
    return [...this.clients.values()];
  }

  getClient(clientId: string): StoredClient | undefined {
    return this.clients.get(clientId);
  }

  saveClient(client: StoredClient): void {
    this.clients.set(client.client_id, client);
    this.persist();
  }

  /** Deletes a client and, as Auth0 does, its client grants. */
  deleteClient(clientId: string): boolean {
    const existed = this.clients.delete(clientId);
    for (const grant of this.allClientGrants()) {
      if (grant.client_id === clientId) this.clientGrants.delete(grant.id);
    }
    if (existed) this.persist();
    return existed;
  }

  allClientGrants(): StoredClientGrant[] {
    return [...this.clientGrants.values()];
  }

  saveClientGrant(grant: StoredClientGrant): void {
    this.clientGrants.set(grant.id, grant);
    this.persist();
  }

  deleteClientGrant(id: string): boolean {
    const existed = this.clientGrants.delete(id);
    if (existed) this.persist();
    return existed;
  }

  private persist(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const data: TenantData = {
      users: this.allUsers(),
      clients: this.allClients(),
      clientGrants: this.allClientGrants(),
    };
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(data, null, 2));
    renameSync(temporary, this.file);
  }
}

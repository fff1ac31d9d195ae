import type { ReactNode } from "react";
import { hasRole } from "@/lib/auth/roles";
import { getViewer } from "@/lib/auth/viewer";
import { AdminNav } from "./admin-nav";

// Authorization happens in each page, action and route handler (a layout is not re-run on
// every navigation); the layout only keeps the console's navigation from non-admins.
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const viewer = await getViewer();
  return (
    <div>
      {viewer && hasRole(viewer.roles, "admin") && <AdminNav />}
      {children}
    </div>
  );
}

import type { Db } from '../../kernel/db/database.ts'

export interface DemoAccount { email: string; password: string; status: string }

// TODO(#2): demo hospitals, sites and accounts.
export async function loadDemoData (_db: Db, _now: number): Promise<DemoAccount[]> {
  return []
}

/** Every resource lives in one account and one region, as in AWS. */
export interface Scope {
  account: string;
  region: string;
}

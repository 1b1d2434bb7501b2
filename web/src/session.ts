/**
 * The signed-in PAT lives in sessionStorage: it goes with the tab, and is never written to
 * localStorage or a cookie. A sign-out can leave one message for the sign-in page to show.
 */
const PAT_KEY = 'modelkeep.pat';
const NOTICE_KEY = 'modelkeep.notice';

export const session = {
  pat: (): string | null => sessionStorage.getItem(PAT_KEY),
  signIn(pat: string): void {
    sessionStorage.setItem(PAT_KEY, pat);
    sessionStorage.removeItem(NOTICE_KEY);
  },
  signOut(notice?: string): void {
    sessionStorage.removeItem(PAT_KEY);
    if (notice) sessionStorage.setItem(NOTICE_KEY, notice);
    else sessionStorage.removeItem(NOTICE_KEY);
  },
  notice: (): string | null => sessionStorage.getItem(NOTICE_KEY),
};

/** The Credentials provider's id, shared by the server options and the confirm button. */
export const SIGN_IN_PROVIDER = 'sign-in-link';

/**
 * The account, region and credentials every local run pretends to be in. Nothing local checks them
 * (dynalite and the recording endpoint ignore signatures), but the SDK refuses to sign without
 * credentials, and ARNs and queue URLs need an account and a region: one set, so they always agree.
 */
export const LOCAL_ACCOUNT = '111111111111';
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

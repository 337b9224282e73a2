/**
 * Text made valid for SNS, whatever a sender put in a rule name or a resource id.
 *
 * Publish's Subject (SNS API reference): ASCII text that begins with a letter, number or punctuation mark, without
 * line breaks or control characters, less than 100 characters. Message attribute values of type String: non-empty
 * Unicode restricted to the characters XML allows (#x9, #xA, #xD, #x20–#xD7FF, #xE000–#xFFFD, #x10000–#x10FFFF).
 */
const SUBJECT_MAX = 99;
const ATTRIBUTE_MAX = 1024;

export function snsSubject(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?').replace(/^[ ]+/, '');
  const subject = ascii.length > SUBJECT_MAX ? `${ascii.slice(0, SUBJECT_MAX - 3)}...` : ascii;
  return subject.length ? subject : 'Compliance notification';
}

export function snsAttributeValue(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const valid = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '?');
  const value = valid.length > ATTRIBUTE_MAX ? valid.slice(0, ATTRIBUTE_MAX) : valid;
  return value.length ? value : '-';
}

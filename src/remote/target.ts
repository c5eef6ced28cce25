/**
 * `--remote [USER@]HOST[:PORT]` and `--ssh-option OPT`: the target of a remote scan.
 */
import { UserError } from '../util/errors.js';
import { escapeName } from '../util/escape.js';
import type { RemoteTarget } from './types.js';

/**
 * Parse `[USER@]HOST[:PORT]`; an IPv6 address goes in brackets (`[::1]:2222`, `root@[fe80::1]`).
 * A HOST that ssh would read as an option (a leading `-`), an empty part, a port outside 1-65535
 * or a control character is refused with a UserError (exit 2): the spec is handed to ssh.
 */
export function parseRemoteSpec(spec: string, sshOptions: string[] = []): RemoteTarget {
  const bad = (why: string): never => {
    throw new UserError(`bad --remote ${escapeName(spec)}: ${why} (expected [USER@]HOST[:PORT])`, 2);
  };
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f]/.test(spec)) bad('no spaces or control characters');
  let rest = spec;
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (!user) bad('empty user');
    if (user.startsWith('-')) bad('a user cannot start with -');
  }
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0) bad('unclosed [');
    host = rest.slice(1, end);
    const after = rest.slice(end + 1);
    if (after) {
      if (!after.startsWith(':')) bad(`unexpected ${escapeName(after)} after ]`);
      portText = after.slice(1);
    }
  } else {
    const colon = rest.indexOf(':');
    const second = colon >= 0 ? rest.indexOf(':', colon + 1) : -1;
    if (second >= 0 && /[/~]/.test(rest.slice(second + 1)))
      bad(`the path goes as an argument of its own: --remote ${escapeName(spec.slice(0, spec.length - (rest.length - second)))} ${escapeName(rest.slice(second + 1))}`);
    if (second >= 0) bad('an IPv6 address goes in brackets: [::1]:22');
    host = colon >= 0 ? rest.slice(0, colon) : rest;
    if (colon >= 0) portText = rest.slice(colon + 1);
  }
  if (!host) bad('empty host');
  if (host.startsWith('-')) bad('a host cannot start with -');
  let port: number | undefined;
  // scp's habit, HOST:/path: the path is an argument of its own here
  if (portText !== undefined && /[/~]/.test(portText)) bad(`the path goes as an argument of its own: --remote ${escapeName(spec.slice(0, spec.length - portText.length - 1))} ${escapeName(portText)}`);
  if (portText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portText) || +portText < 1 || +portText > 65535) bad('the port is a number from 1 to 65535');
    port = +portText;
  }
  return { spec, user, host, port, sshOptions: [...sshOptions] };
}

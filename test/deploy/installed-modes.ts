// Owner, group and mode of what deploy/install.sh installs: one list for the tests that install
// for real (test/deploy/install-real.test.ts) and into a debootstrap root (bench:install).
export const INSTALLED_MODES: ReadonlyArray<readonly [path: string, ownerMode: string]> = [
  ['/var/lib/nabo', 'nabo:nabo 750'],
  ['/var/lib/nabo/identity.key', 'nabo:nabo 600'],
  ['/etc/nabo', 'root:nabo 750'],
  ['/etc/nabo/nabo.yaml', 'root:nabo 640'],
  ['/etc/nabo/nabo.env', 'root:nabo 640'],
  ['/etc/systemd/system/nabo.service', 'root:root 644'],
  ['/etc/udev/rules.d/99-nabo-serial.rules', 'root:root 644'],
];

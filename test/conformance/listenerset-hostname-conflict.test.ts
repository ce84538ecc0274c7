// Conformance ListenerSetHostnameConflict (upstream listenerset-hostname-conflict.go): a ListenerSet
// listener whose hostname repeats a Gateway listener's, or an older ListenerSet's, is
// Conflicted (HostnameConflict) and neither Accepted nor Programmed; the listener that came first keeps
// serving. A ListenerSet with no valid listener left is not Accepted (ListenersNotValid), nor counted.

import { after, before, test } from 'node:test';
import { ConformanceSuite } from './harness.ts';
import { listenerSetConflictTest } from './shared/listenerset-conflict.ts';

const suite = new ConformanceSuite({ block: 174, manifests: ['listenerset-hostname-conflict.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('ListenerSetHostnameConflict', () => listenerSetConflictTest(suite, 'hostname'));

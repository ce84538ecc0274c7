// Conformance ListenerSetProtocolConflict (upstream listenerset-protocol-conflict.go): a ListenerSet
// listener that takes port 80 with another protocol than a Gateway listener's, or an older ListenerSet's, is
// Conflicted (ProtocolConflict) and neither Accepted nor Programmed; the listener that came first keeps
// serving. A ListenerSet with no valid listener left is not Accepted (ListenersNotValid), nor counted.

import { after, before, test } from 'node:test';
import { ConformanceSuite } from './harness.ts';
import { listenerSetConflictTest } from './shared/listenerset-conflict.ts';

const suite = new ConformanceSuite({ block: 176, manifests: ['listenerset-protocol-conflict.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('ListenerSetProtocolConflict', () => listenerSetConflictTest(suite, 'protocol'));

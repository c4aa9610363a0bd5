// The Devices view: the devices you use (paired, reconnected at start) and the ways to add one.
import type { ViewProps } from '../../shell/views';
import { ErrorBoundary } from '../../shell/error-boundary';
import { PairedPanel } from './paired-panel';
import { BluetoothPanel, BrainFlowPanel, SerialPanel } from './add-panels';
import './devices.css';

export default function DevicesView({ client, live }: ViewProps) {
  return (
    <div class="devices-view">
      <div class="dashboard-toolbar">
        <h1>Devices</h1>
      </div>
      <ErrorBoundary where="panel: Your devices">
        <PairedPanel client={client} live={live} />
      </ErrorBoundary>
      <ErrorBoundary where="panel: Bluetooth">
        <BluetoothPanel client={client} />
      </ErrorBoundary>
      <ErrorBoundary where="panel: Serial port">
        <SerialPanel client={client} />
      </ErrorBoundary>
      <ErrorBoundary where="panel: BrainFlow">
        <BrainFlowPanel client={client} />
      </ErrorBoundary>
    </div>
  );
}

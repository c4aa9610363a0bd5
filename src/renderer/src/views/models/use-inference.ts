// Preact hook: the page's inference service and a re-render on each of its changes (throttled to
// animation frames so a fast backend does not re-render more than the screen shows).
import { useEffect, useState } from 'preact/hooks';
import type { HeartMindClient } from '../../transport/client';
import { inferenceService, type InferenceService, type InferenceState } from '../../inference/inference-service';

export function useInference(client: HeartMindClient): { service: InferenceService; state: InferenceState } {
  const service = inferenceService(client);
  const [, setTick] = useState(0);
  useEffect(() => {
    let frame = 0;
    const unsubscribe = service.subscribe(() => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setTick((n) => n + 1);
      });
    });
    return () => {
      unsubscribe();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [service]);
  return { service, state: service.state };
}

import type { Lab } from '../lab/lab';
import { stepCommand } from '../lab/register';
import { LabSection } from './nodes/lab-section';
import type { ResourcesProvider } from './resources-provider';

/** The lab's section at the top of the resources tree, re-rendered whenever a step's state changes. */
export function labSection(lab: Lab, provider: ResourcesProvider): LabSection {
  const section = new LabSection(lab, (view) => stepCommand(view.step.id));
  lab.onDidChange(() => provider.changed(section));
  return section;
}

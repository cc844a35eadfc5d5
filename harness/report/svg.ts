// Vega-Lite spec -> SVG, server side: vega-lite compiles, a headless vega View renders to an SVG string. No
// canvas and no browser are needed, and the same SVG goes inline into report.html and into charts/*.svg.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile(spec).spec;
  // A loader that refuses every URL: report data is always inline, and rendering must never reach the network.
  const loader = vega.loader();
  loader.load = async (uri: string) => {
    throw new Error(`report charts use inline data only; refused to load ${uri}`);
  };
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

import { newHistogram, recordMs } from './harness/load/histogram.ts';
import { Rng } from './harness/providers/model/rng.ts';
import { fitDeconvolved, fitDirect, histogramSampler, lognormalSampler } from './harness/calibration/fit.ts';
const Z=2.3263478740408408;
function draw(rng: Rng, med: number, p99: number) { return rng.lognormal(Math.log(med), Math.log(p99/med)/Z); }
for (const [xm, xp] of [[0.3,1.2],[2,8],[0.08,0.15],[8,25]]) {
const rng = new Rng(5);
const R = newHistogram(), T = newHistogram();
for (let i=0;i<50000;i++) recordMs(R, draw(rng, 0.5, 1.5));
for (let i=0;i<50000;i++) recordMs(T, draw(rng, 0.5, 1.5) + draw(rng, xm, xp));
const t0=performance.now();
const f = fitDeconvolved(T, histogramSampler(R), { seed: 9 });
console.log(xm, xp, JSON.stringify(f).slice(0,300), (performance.now()-t0).toFixed(0),'ms');
}
const D = newHistogram(); const rng=new Rng(3); for (let i=0;i<30000;i++) recordMs(D, draw(rng, 0.3, 1.2));
console.log(JSON.stringify(fitDirect(D)).slice(0,200));

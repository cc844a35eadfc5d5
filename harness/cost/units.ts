// Units and allowances the cost models share, each with where it comes from.

/** Decimal GB, as AWS's worked examples count (300 KB/s x 3,600 s = 1.08 GB). */
export const BYTES_PER_GB = 1e9;
export const SECONDS_PER_HOUR = 3600;

/** facts/aws-pricing.md, "ELB free tier": 12-month new accounts, shared by CLB and ALB. */
export const ELB_FREE = { hours: 750, clbGb: 15, albLcu: 15 } as const;
/** facts: API Gateway free tier, 12 months, new customers: 1M REST and 1M HTTP calls per month. */
export const APIGW_FREE_REQUESTS = 1_000_000;
/** facts: CloudFront always-free: 1 TB out and 10M requests per month. */
export const CLOUDFRONT_FREE = { gb: 1024, requests: 10_000_000 } as const;
/** facts: 100 GB per month of data out to the internet is free per account (aggregate). */
export const DATA_OUT_FREE_GB = 100;
/** facts: VPC Lattice requests are free up to 300,000 per hour per service. */
export const LATTICE_FREE_REQUESTS_PER_HOUR = 300_000;
/**
 * HTTP APIs are "metered in 512 KB increments" (aws.amazon.com/api-gateway/pricing/; "a 513 KB request is
 * metered as two"). AWS does not define KB there; the lab reads it as its pricing pages count bytes
 * elsewhere, in decimal units (the ELB example: 300 KB/s x 3,600 s = 1.08 GB), so 512 KB = 512,000 bytes.
 * Read as KiB (524,288), a request of 512,001 to 524,288 bytes would meter as one instead of two.
 */
export const HTTP_API_METER_BYTES = 512_000;
export const HTTP_API_METER_DEFINITION =
  'HTTP API metering: "512 KB increments" (aws.amazon.com/api-gateway/pricing/) read as 512 KB = 512,000 bytes, the decimal units AWS\'s pricing examples count in; ' +
  'a request of 512,001-524,288 bytes meters as 2 here and as 1 if AWS meant KiB';

/** GB in one hour at `rps` requests/s of (request + response) bytes. */
export function gbPerHour(rps: number, bytesPerRequest: number): number {
  return (rps * bytesPerRequest * SECONDS_PER_HOUR) / BYTES_PER_GB;
}

// One cached formatter per precision: Number#toLocaleString builds a new Intl formatter on every call,
// which dominated the 1,000-point sweep.
const formatters = new Map<number, Intl.NumberFormat>();
export function fmtNum(n: number, digits = 4): string {
  let f = formatters.get(digits);
  if (!f) formatters.set(digits, (f = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits })));
  return f.format(n);
}

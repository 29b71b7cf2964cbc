// Label matchers more than one part selects by.

/** 5xx answers: what the services' error-rate alerts, the availability SLO and Loki's request
 *  errors count as failed requests. */
export const serverErrors = { status_code: { re: "5.." } } as const;

package dev.roundtrip.transport;

/**
 * How hard the transport looks for responses that were dropped without being read to the
 * end or closed.
 */
public enum LeakDetection {

	/**
	 * No detection: a dropped response holds its connection until the server closes it
	 * (Go's behaviour).
	 */
	DISABLED,

	/**
	 * Detect dropped responses, close their connections and log one warning naming the
	 * request.
	 */
	SIMPLE,

	/**
	 * As {@link #SIMPLE}, and also record where each request was sent so the warning can
	 * show the stack. Costs a stack walk per request.
	 */
	PARANOID

}

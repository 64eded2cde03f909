package dev.roundtrip.transport;

/**
 * Which idle connection of a destination a request takes.
 */
public enum IdleOrder {

	/**
	 * The most recently returned, as Go does: traffic stays on as few connections as it
	 * needs, and the surplus ones idle out.
	 */
	LIFO,

	/**
	 * The least recently returned: requests spread over every open connection, which
	 * matters behind a layer-4 load balancer that balances connections, not requests.
	 * Connections are then rarely idle long enough to time out.
	 */
	FIFO

}

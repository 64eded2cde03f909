package dev.roundtrip.transport;

import java.io.IOException;

/**
 * A request found its destination at {@code max-conns-per-host} with
 * {@code max-pending-per-host} requests already waiting, and was refused at once rather
 * than queued. Nothing was sent. The message names the destination and the limit.
 */
public class PoolFullException extends IOException {

	private static final long serialVersionUID = 1L;

	private final transient Destination destination;

	private final int maxPending;

	public PoolFullException(Destination destination, int maxPending) {
		super(maxPending + " requests are already waiting for a connection to " + destination
				+ ", which is at max-conns-per-host; max-pending-per-host is " + maxPending);
		this.destination = destination;
		this.maxPending = maxPending;
	}

	/** Where the request was going. */
	public Destination destination() {
		return this.destination;
	}

	/** The {@code max-pending-per-host} in force. */
	public int maxPending() {
		return this.maxPending;
	}

}

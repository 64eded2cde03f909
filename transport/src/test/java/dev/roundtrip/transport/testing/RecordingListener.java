package dev.roundtrip.transport.testing;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.ConnectionInfo;
import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.TransportListener;

/**
 * A {@link TransportListener} that records every event, copying what it needs from the
 * live {@link ConnectionInfo} (id, local port, request count) while the callback runs. A
 * connection is matched to the {@link ScriptedServer}'s view of it through the client's
 * local port ({@link ScriptedServer.ConnectionState#clientPort()}).
 */
public final class RecordingListener implements TransportListener {

	private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();

	@Override
	public void waitingForConnection(Destination destination) {
		add(new Event(Kind.WAITING, -1, -1, destination, null, false, null, 0));
	}

	@Override
	public void connectionAcquired(ConnectionInfo connection, boolean reused, long waitNanos) {
		add(event(Kind.ACQUIRED, connection, null, reused, null));
	}

	@Override
	public void connectionAcquireFailed(Destination destination, AcquireFailure outcome, long waitNanos) {
		add(new Event(Kind.ACQUIRE_FAILED, -1, -1, destination, null, false, outcome, 0));
	}

	@Override
	public void dialStarted(Destination destination) {
		add(new Event(Kind.DIAL_STARTED, -1, -1, destination, null, false, null, 0));
	}

	@Override
	public void dialSucceeded(ConnectionInfo connection, long durationNanos) {
		add(event(Kind.DIAL_SUCCEEDED, connection, null, false, null));
	}

	@Override
	public void dialFailed(Destination destination, Throwable failure, long durationNanos) {
		add(new Event(Kind.DIAL_FAILED, -1, -1, destination, null, false, null, 0));
	}

	@Override
	public void connectionIdle(ConnectionInfo connection) {
		add(event(Kind.IDLE, connection, null, false, null));
	}

	@Override
	public void connectionClosed(ConnectionInfo connection, CloseReason reason, long lifetimeNanos) {
		add(event(Kind.CLOSED, connection, reason, false, null));
	}

	/** Every event so far, in the order recorded. */
	public List<Event> events() {
		return List.copyOf(this.events);
	}

	public List<Event> events(Kind kind) {
		return this.events.stream().filter((e) -> e.kind() == kind).collect(Collectors.toList());
	}

	/** The close events of the connection whose local port is {@code clientPort}. */
	public List<CloseReason> closeReasonsOf(int clientPort) {
		return this.events.stream()
			.filter((e) -> e.kind() == Kind.CLOSED && e.localPort() == clientPort)
			.map(Event::reason)
			.collect(Collectors.toList());
	}

	/**
	 * Waits for the close event of the connection with local port {@code clientPort};
	 * returns its reason.
	 */
	public CloseReason awaitCloseOf(int clientPort, Duration timeout) {
		Await.until(() -> !closeReasonsOf(clientPort).isEmpty(), timeout,
				() -> "expected a connectionClosed event for client port " + clientPort + "; events: " + events());
		return closeReasonsOf(clientPort).get(0);
	}

	/** Waits until an event matching {@code condition} is recorded; returns the first. */
	public Event await(Predicate<Event> condition, Duration timeout, String what) {
		Await.until(() -> this.events.stream().anyMatch(condition), timeout,
				() -> "expected " + what + "; events: " + events());
		return this.events.stream().filter(condition).findFirst().orElseThrow();
	}

	private void add(Event event) {
		this.events.add(event);
	}

	private static Event event(Kind kind, ConnectionInfo connection, CloseReason reason, boolean reused,
			AcquireFailure failure) {
		long id = -1;
		int port = -1;
		Destination destination = null;
		long requests = 0;
		try {
			id = connection.id();
			InetSocketAddress local = connection.localAddress();
			port = (local != null) ? local.getPort() : -1;
			destination = connection.destination();
			requests = connection.requestCount();
		}
		catch (RuntimeException ex) {
			// a listener never throws; record what we could read
		}
		return new Event(kind, id, port, destination, reason, reused, failure, requests);
	}

	/** What a callback reported. */
	public enum Kind {

		WAITING, ACQUIRED, ACQUIRE_FAILED, DIAL_STARTED, DIAL_SUCCEEDED, DIAL_FAILED, IDLE, CLOSED

	}

	/**
	 * One callback, with what was copied from its {@link ConnectionInfo}.
	 *
	 * @param connectionId the transport's connection id, -1 when the event has no
	 * connection
	 * @param localPort the client side's port, -1 when unknown
	 */
	public record Event(Kind kind, long connectionId, int localPort, Destination destination, CloseReason reason,
			boolean reused, AcquireFailure failure, long requestCount) {

		@Override
		public String toString() {
			return this.kind
					+ ((this.connectionId >= 0) ? "(conn " + this.connectionId + ", port " + this.localPort : "(")
					+ ((this.reason != null) ? ", " + this.reason : "")
					+ ((this.kind == Kind.ACQUIRED) ? ", reused=" + this.reused : "")
					+ ((this.failure != null) ? ", " + this.failure : "") + ")";
		}

	}

}

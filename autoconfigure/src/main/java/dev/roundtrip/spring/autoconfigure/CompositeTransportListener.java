package dev.roundtrip.spring.autoconfigure;

import java.util.List;

import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.ConnectionInfo;
import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.TransportListener;

/**
 * Every {@link TransportListener} bean as the transport's one listener. Each call goes to
 * each listener in order; one that throws does not keep the event from the others.
 */
final class CompositeTransportListener implements TransportListener {

	private final TransportListener[] listeners;

	private CompositeTransportListener(List<TransportListener> listeners) {
		this.listeners = listeners.toArray(new TransportListener[0]);
	}

	static TransportListener of(List<TransportListener> listeners) {
		return switch (listeners.size()) {
			case 0 -> TransportListener.NONE;
			case 1 -> listeners.get(0);
			default -> new CompositeTransportListener(listeners);
		};
	}

	@Override
	public void waitingForConnection(Destination destination) {
		for (TransportListener listener : this.listeners) {
			try {
				listener.waitingForConnection(destination);
			}
			catch (RuntimeException ex) {
				// Listeners must not throw; one that does loses only its own event.
			}
		}
	}

	@Override
	public void connectionAcquired(ConnectionInfo connection, boolean reused, long waitNanos) {
		for (TransportListener listener : this.listeners) {
			try {
				listener.connectionAcquired(connection, reused, waitNanos);
			}
			catch (RuntimeException ex) {
				// as above
			}
		}
	}

	@Override
	public void connectionAcquireFailed(Destination destination, AcquireFailure outcome, long waitNanos) {
		for (TransportListener listener : this.listeners) {
			try {
				listener.connectionAcquireFailed(destination, outcome, waitNanos);
			}
			catch (RuntimeException ex) {
				// as above
			}
		}
	}

	@Override
	public void dialStarted(Destination destination) {
		for (TransportListener listener : this.listeners) {
			try {
				listener.dialStarted(destination);
			}
			catch (RuntimeException ex) {
				// as above
			}
		}
	}

	@Override
	public void dialSucceeded(ConnectionInfo connection, long durationNanos) {
		for (TransportListener listener : this.listeners) {
			try {
				listener.dialSucceeded(connection, durationNanos);
			}
			catch (RuntimeException ex) {
				// as above
			}
		}
	}

	@Override
	public void dialFailed(Destination destination, Throwable failure, long durationNanos) {
		for (TransportListener listener : this.listeners) {
			try {
				listener.dialFailed(destination, failure, durationNanos);
			}
			catch (RuntimeException ex) {
				// as above
			}
		}
	}

	@Override
	public void connectionIdle(ConnectionInfo connection) {
		for (TransportListener listener : this.listeners) {
			try {
				listener.connectionIdle(connection);
			}
			catch (RuntimeException ex) {
				// as above
			}
		}
	}

	@Override
	public void connectionClosed(ConnectionInfo connection, CloseReason reason, long lifetimeNanos) {
		for (TransportListener listener : this.listeners) {
			try {
				listener.connectionClosed(connection, reason, lifetimeNanos);
			}
			catch (RuntimeException ex) {
				// as above
			}
		}
	}

	@Override
	public void responseReceived(ConnectionInfo connection, String method, String target, int status) {
		for (TransportListener listener : this.listeners) {
			try {
				listener.responseReceived(connection, method, target, status);
			}
			catch (RuntimeException ex) {
				// as above
			}
		}
	}

}

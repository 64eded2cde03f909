package dev.roundtrip.transport.internal;

import dev.roundtrip.transport.CloseReason;
import dev.roundtrip.transport.ConnectionInfo;
import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.TransportListener;

/**
 * Calls a listener and drops whatever it throws: a listener must never break an exchange.
 */
final class SafeListener implements TransportListener {

	private static final System.Logger LOG = System.getLogger(TransportListener.class.getName());

	private final TransportListener delegate;

	SafeListener(TransportListener delegate) {
		this.delegate = delegate;
	}

	private void failed(RuntimeException ex) {
		LOG.log(System.Logger.Level.DEBUG, "TransportListener threw; ignored", ex);
	}

	@Override
	public void waitingForConnection(Destination destination) {
		try {
			this.delegate.waitingForConnection(destination);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void connectionAcquired(ConnectionInfo connection, boolean reused, long waitNanos) {
		try {
			this.delegate.connectionAcquired(connection, reused, waitNanos);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void connectionAcquireFailed(Destination destination, AcquireFailure outcome, long waitNanos) {
		try {
			this.delegate.connectionAcquireFailed(destination, outcome, waitNanos);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void dialStarted(Destination destination) {
		try {
			this.delegate.dialStarted(destination);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void dialSucceeded(ConnectionInfo connection, long durationNanos) {
		try {
			this.delegate.dialSucceeded(connection, durationNanos);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void dialFailed(Destination destination, Throwable failure, long durationNanos) {
		try {
			this.delegate.dialFailed(destination, failure, durationNanos);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void connectionIdle(ConnectionInfo connection) {
		try {
			this.delegate.connectionIdle(connection);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void responseReceived(ConnectionInfo connection, String method, String target, int status) {
		try {
			this.delegate.responseReceived(connection, method, target, status);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void connectionClosed(ConnectionInfo connection, CloseReason reason, long lifetimeNanos) {
		try {
			this.delegate.connectionClosed(connection, reason, lifetimeNanos);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

}

package dev.roundtrip.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.Destination;
import dev.roundtrip.transport.TransportListener;

import static org.assertj.core.api.Assertions.assertThat;

class CompositeTransportListenerTests {

	private final Destination destination = new Destination("http", "api.test", 80, null, null);

	@Test
	void noListenersIsTheNoOpListener() {
		assertThat(CompositeTransportListener.of(List.of())).isSameAs(TransportListener.NONE);
	}

	@Test
	void oneListenerIsUsedAsItIs() {
		TransportListener only = new TransportListener() {
		};
		assertThat(CompositeTransportListener.of(List.of(only))).isSameAs(only);
	}

	@Test
	void everyListenerHearsEveryEventEvenWhenOneThrows() {
		List<String> heard = new ArrayList<>();
		TransportListener throwing = new TransportListener() {

			@Override
			public void dialStarted(Destination destination) {
				heard.add("first");
				throw new IllegalStateException("listeners must not throw");
			}

		};
		TransportListener second = new TransportListener() {

			@Override
			public void dialStarted(Destination destination) {
				heard.add("second");
			}

		};
		CompositeTransportListener.of(List.of(throwing, second)).dialStarted(this.destination);
		assertThat(heard).containsExactly("first", "second");
	}

}

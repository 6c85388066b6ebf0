//! An in-process gRPC server for tests: bound on 127.0.0.1:0, stopped by a
//! oneshot (or on drop), with the generated client.

use std::path::Path;
use std::sync::Arc;

use gatepost::Date;
use gatepost::proto::v1::screening_client::ScreeningClient;
use gatepost::service::{self, Config, State};
use tokio::sync::oneshot;
use tonic::transport::Channel;

/// The demo pack's configuration with the date the fixtures assume.
pub(crate) fn config(pack: &Path) -> Config {
    let mut c = Config::new(pack);
    c.as_of = Some(Date::new(2026, 11, 21).unwrap());
    c
}

/// A running server; dropping it stops the server.
pub(crate) struct Server {
    pub(crate) addr: std::net::SocketAddr,
    pub(crate) state: Arc<State>,
    pub(crate) stop: Option<oneshot::Sender<()>>,
    pub(crate) task: Option<tokio::task::JoinHandle<Result<(), service::ServeError>>>,
}

impl Server {
    pub(crate) async fn start(config: Config) -> Server {
        let state = Arc::new(
            tokio::task::spawn_blocking(move || State::load(config))
                .await
                .unwrap()
                .unwrap(),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(service::serve(listener, Arc::clone(&state), async {
            let _ = stopped.await;
        }));
        Server {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub(crate) async fn channel(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.addr))
            .unwrap()
            .connect()
            .await
            .unwrap()
    }

    pub(crate) async fn client(&self) -> ScreeningClient<Channel> {
        ScreeningClient::new(self.channel().await)
    }

    pub(crate) async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.take().unwrap().await.unwrap().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

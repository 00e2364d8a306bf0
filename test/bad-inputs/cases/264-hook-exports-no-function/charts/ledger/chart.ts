// A hook that only exports settings: berth has no function to call.
export const replicas = 3;

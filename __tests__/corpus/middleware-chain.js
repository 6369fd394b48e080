// A Koa-style middleware composer. The default export and the logging middleware are hot.

export function compose(middleware) {
  if (!Array.isArray(middleware)) throw new TypeError("middleware stack must be an array");
  return function run(context, last) {
    let index = -1;
    const dispatch = (i) => {
      if (i <= index) return Promise.reject(new Error("next() called more than once"));
      index = i;
      const fn = i === middleware.length ? last : middleware[i];
      if (!fn) return Promise.resolve();
      try {
        return Promise.resolve(fn(context, () => dispatch(i + 1)));
      } catch (error) {
        return Promise.reject(error);
      }
    };
    return dispatch(0);
  };
}

export const logRequests = /* @chaud.hot */ async (ctx, next) => {
  const started = process.hrtime.bigint();
  await next();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  ctx.log?.push(`${ctx.method} ${ctx.path} -> ${ctx.status ?? 404} in ${ms.toFixed(1)} ms`);
};

/* @chaud.hot */
export const poweredBy = function (ctx, next) {
  ctx.headers = { ...ctx.headers, "x-powered-by": "compose" };
  return next();
};

export async function errorBoundary(ctx, next) {
  try {
    await next();
  } catch (error) {
    ctx.status = error?.status ?? 500;
    ctx.body = { error: error?.expose ? error.message : "Internal Server Error" };
  }
}

/* @chaud.hot */
export default function (routes) {
  return compose([
    errorBoundary,
    logRequests,
    poweredBy,
    async (ctx, next) => {
      const handler = routes[`${ctx.method} ${ctx.path}`];
      if (!handler) return next();
      ctx.status = 200;
      ctx.body = await handler(ctx);
    },
  ]);
}

/**
 * JupyterLab shares its production build of React with every extension, also
 * when this one is built for development. The renderer of h5web's plots
 * (react-reconciler, under @react-three/fiber) must then be its production
 * build too: its development build reads React internals that only React's
 * development build has ("Cannot read properties of undefined").
 */
const path = require('path');

module.exports = {
  resolve: {
    alias: {
      'react-reconciler$': path.resolve(
        __dirname,
        'node_modules/react-reconciler/cjs/react-reconciler.production.min.js'
      )
    }
  }
};
